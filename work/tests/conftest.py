"""Fixtures of the work app's tests."""

from .robot_server import robot_server  # noqa: F401 (a local group robot)
