"""slimfix: rewrite Dockerfiles so the images they build are smaller."""
