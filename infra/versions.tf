terraform {
  required_version = ">= 1.5.0"

  required_providers {
    # google_iap_web_cloud_run_service_iam_member (infra/iap.tf) came in 6.31.
    google = {
      source  = "hashicorp/google"
      version = ">= 6.31, < 7.0"
    }
    # google_project_service_identity (IAP's service agent, infra/iap.tf) is in beta only.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.31, < 7.0"
    }
  }

  # State lives in the bucket infra/bootstrap made, named at init time:
  #   terraform init -backend-config="bucket=<state bucket>"
  # It holds no secret values (they live only in Secret Manager), but it maps the whole
  # deployment: the plan identity may read it, only the apply identity may write it.
  backend "gcs" {
    prefix = "support-chat"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}
