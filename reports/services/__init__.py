"""Writes and business rules of the reports app: budgets, alerts, meal policies, rates, imports, backups."""
