"""Slack transport: parse what Slack sends, make one use-case call, render the reply."""
