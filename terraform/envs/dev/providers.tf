provider "aws" {
  region = var.region

  # Optional guard against applying to the wrong account.
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = {
      Application = "mealtracker"
      Environment = "dev"
      ManagedBy   = "terraform"
    }
  }
}

# Same account and region; used only to open the ephemeral random SECRET_KEY (see modules/secrets).
provider "aws" {
  alias  = "secret_generator"
  region = var.region

  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null
}
