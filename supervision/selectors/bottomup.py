"""Reads of the bottomup part of 双监督."""
