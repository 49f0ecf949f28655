"""Typed response models (attrs classes, frozen and keyword-only)."""

from flexconv.models._base import Attributes, Model, OpenStrEnum, converter, make_converter
from flexconv.models.configuration import ConfigurationStatus, FlexConfiguration

__all__ = [
    "Attributes",
    "ConfigurationStatus",
    "FlexConfiguration",
    "Model",
    "OpenStrEnum",
    "converter",
    "make_converter",
]
