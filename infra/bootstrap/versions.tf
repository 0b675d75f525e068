terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # Applied once, by a project owner, from a workstation. The state stays local (it holds no
  # secret values); keep terraform.tfstate somewhere safe or move it into the state bucket
  # afterwards (infra/README.md, step 2).
}

provider "google" {
  project = var.project_id
  region  = var.region
}
