"""Reads of the topdown part of 双监督."""
