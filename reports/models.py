"""Budgets, reports, imports and exports build on these models."""
