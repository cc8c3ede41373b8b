"""Reads of the cycle part of 双监督."""
