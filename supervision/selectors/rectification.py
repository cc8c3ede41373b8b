"""Reads of the rectification part of 双监督."""
