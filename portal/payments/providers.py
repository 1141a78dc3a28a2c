"""Which provider an authority pays through: factories by name, built from its settings."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from . import PaymentError, PaymentProvider, ProviderSettings

#: provider name (as written in an authority's file) -> factory. Each provider module adds
#: its own entry here.
FACTORIES: dict[str, Callable[[ProviderSettings], PaymentProvider]] = {}


#: The modules that ship a provider; each registers itself in FACTORIES when imported.
BUILT_IN = ("test_provider", "govuk", "signed_redirect")


def load_built_in() -> None:
    """Import every shipped provider module that is present (each adds its factory)."""
    for name in BUILT_IN:
        try:
            import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__package__}.{name}":
                raise


def provider_for(settings: ProviderSettings) -> PaymentProvider:
    """The provider an authority's settings name; PaymentError for an unknown name."""
    if settings.provider not in FACTORIES:
        load_built_in()
    try:
        factory = FACTORIES[settings.provider]
    except KeyError:
        raise PaymentError(f"unknown payment provider {settings.provider!r} "
                           f"(known: {', '.join(sorted(FACTORIES)) or 'none'})") from None
    return factory(settings)
