"""``python -m policycheck``."""

from policycheck.entry import main

main()
