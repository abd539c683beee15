"""Grammar- and form-directed fuzzing of the policy pipeline (see test_policy_fuzz.py)."""
