# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/google" {
  version     = "6.50.0"
  constraints = "6.50.0"
  hashes = [
    "h1:pbOowzAWiks0EPvLcFkzbPwiAgmokfoa5+7molpo2xg=",
  ]
}
