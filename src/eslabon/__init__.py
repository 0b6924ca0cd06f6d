"""eslabon: trace criminal movement of people and drugs across US and Mexican records."""

__version__ = "0.1.0"
