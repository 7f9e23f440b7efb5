"""Accelerators: faster drop-ins for third-party code, each checked against the stock one."""
