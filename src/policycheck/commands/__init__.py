"""Commands beyond ``assess``: each module registers its own on the app (imports stay lazy)."""
