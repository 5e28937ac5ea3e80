"""pytest configuration for the whole repository (the notebooks in chapters/, appendix/
and exercises/ are collected by nbval). Charts render the same way everywhere
(sinorussia/rendering.py): no environment variable switches renderers."""

# The notebooks under tests/fixtures/ are deliberately broken student submissions that
# test_grading.py feeds to the autograder; nbval must not execute them as book notebooks.
collect_ignore_glob = ["tests/fixtures/*"]
