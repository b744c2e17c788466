# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/random" {
  version     = "3.6.0"
  constraints = "3.6.0"
  hashes = [
    "h1:VKICoxmnXecPXHL30XhIzxl1UFWeR3nb0++QKEzRbSg=",
  ]
}

provider "registry.opentofu.org/hashicorp/time" {
  version     = "0.14.2"
  constraints = "0.14.2"
  hashes = [
    "h1:jjpNd0oiANVcXcKSRK5+PwpC34F5nA3i0lHEaTzQ8N8=",
  ]
}
