"""PostgreSQL through RDS Proxy with IAM authentication: ENGINE = "mealtracker.rds_iam"."""
