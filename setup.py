"""The build steps pyproject.toml cannot declare: the catalogues and the designer's help.

The .mo files are not kept in git (`make translations` compiles them for a checkout);
a wheel built from a clean clone (`pip install .`) gets them compiled here, from the
.po files shipped as package data. The designer's help pages are the guides in docs/
(portal/designer/help.py); a wheel carries a copy of them and of their screenshots in
portal/designer/help/. Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: The guides the designer shows as help pages (portal.designer.help.PAGES).
GUIDES = ("designer.md", "form-definitions.md", "conditions.md")


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
        self._copy_help()

    def _copy_help(self) -> None:
        docs = Path(__file__).resolve().parent / "docs"
        help_dir = Path(self.build_lib, "portal", "designer", "help")
        for name in GUIDES:  # tests/ops/test_installed.py: every help page's guide is there
            (help_dir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(docs / name, help_dir / name)
        pictures = docs / "screenshots" / "designer"
        if pictures.is_dir():
            shutil.copytree(pictures, help_dir / "screenshots" / "designer", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithCatalogues})
