"""Release tooling run by CI, never shipped in the Lambda package: the release steps (release.py) and the
offline deploy rehearsal (rehearsal.py) with the IAM policy evaluator and the Terraform plan reader it uses."""
