"""The sample project is run through pytester on a copy, never collected directly."""

collect_ignore = ["sample_project"]
