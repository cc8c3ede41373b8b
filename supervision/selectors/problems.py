"""Reads of the problems part of 双监督."""
