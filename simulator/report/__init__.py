"""The cohort report (`mystery-guest report`): an HTML page with charts, or a terminal summary.

stats come from simulator/store/cohort_stats.py; page.py lays out the HTML, charts.py draws the
charts (matplotlib, the `report` extra), text.py writes the terminal summary, commands.py is the
CLI command."""
