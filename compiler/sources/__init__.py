"""Readers turn one source file into a Story or diagnostics; one reader per format."""

from .markdown import read_story

__all__ = ["read_story"]
