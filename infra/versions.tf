terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State lives in a GCS bucket named at init time:
  #   terraform init -backend-config="bucket=<state bucket>"
  # The state holds the secret values (see README), so keep that bucket private.
  backend "gcs" {
    prefix = "support-chat"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
