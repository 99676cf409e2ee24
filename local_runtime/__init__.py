"""The local runtime: runs the SAM application of template.yaml on an AWS emulator, without Docker."""
