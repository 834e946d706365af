"""Web pages of the expenses app: thin views (form → service → redirect) over the shared selectors."""
