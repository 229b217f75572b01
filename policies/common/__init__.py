"""Cross-cloud landing-zone policies (`lz-<area>-<check>`): data residency, budgets, private data
stores and compute sizes, checked the same way whatever cloud a stack targets."""
