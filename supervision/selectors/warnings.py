"""Reads of the warnings part of 双监督."""
