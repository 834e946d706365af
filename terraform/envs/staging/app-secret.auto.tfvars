# The app secret's revision. Every apply reads it from here (the deploy workflow's and an operator's), so an apply
# never rewrites the secret by accident. To rotate SECRET_KEY, bump it in a commit and apply; the secret's other
# keys (FIELD_ENCRYPTION_KEY, keys added by hand) are kept. Never lower it (docs/deploy.md, "Rotating SECRET_KEY").
app_secret_version = 1
