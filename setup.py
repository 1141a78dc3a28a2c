"""The build step pyproject.toml cannot declare: compile the catalogues into the wheel.

The .mo files are not kept in git (`make translations` compiles them for a checkout);
a wheel built from a clean clone (`pip install .`) gets them compiled here, from the
.po files shipped as package data. Everything else is configured in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(self.build_lib, "portal", "translations").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parts[-3])
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogues})
