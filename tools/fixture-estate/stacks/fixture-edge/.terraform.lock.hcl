# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/local" {
  version     = "1.4.0"
  constraints = "1.4.0"
  hashes = [
    "h1:Ph2F8eLi8Zqt2q1rIlRMYGhOqpV7SoQxSDGR0+Sults=",
  ]
}
