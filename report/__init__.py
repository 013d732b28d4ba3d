"""Outputs: text summaries, Excel/CSV/JSON shortlists, problem reports."""
