"""The parts of a workspace the authoring commands need: settings, catalogue, one source's text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen import catalogue
from briefgen.catalogue import Catalogue
from briefgen.citations import SourceText
from briefgen.config import find_config, load_config
from briefgen.errors import Report, UsageError
from briefgen.fields import did_you_mean
from briefgen.models import Config, Source
from briefgen.sources_read import read_source


@dataclass
class Sources:
    """The settings and the catalogue, with the problems found reading them kept apart."""

    config: Config
    catalogue: Catalogue
    setup: Report

    @classmethod
    def open(cls, config_path: str | Path | None) -> Sources:
        setup = Report()
        config = load_config(find_config(config_path), setup)
        return cls(config, catalogue.validate_sources(config, setup), setup)

    def find(self, name: str, report: Report) -> Source | None:
        """A source by id, by its file: name, or by a path to its file; None (reported) if none."""
        by_id = self.catalogue.sources
        if name in by_id:
            return by_id[name]
        wanted = Path(name)
        for source in by_id.values():
            if name in (source.file, Path(source.file).name) or _same_file(wanted, source.path):
                return source
        catalogue_path = self.config.sources_dir / catalogue.CATALOGUE
        message = (
            f'no source "{name}" in {catalogue_path.name}{did_you_mean(name, by_id)}; give a source id '
            f"or file name (catalogued: {', '.join(sorted(by_id)) or 'none'}), or catalogue the file "
            "with  briefgen sources add FILE"
        )
        errors = [p for p in self.setup.problems if p.is_error]
        if not errors:  # a name on the command line that names nothing (exit status 2)
            raise UsageError.single(message)
        report.problems.extend(errors)  # the source may be one the catalogue could not list
        report.error(message)
        return None

    def text(self, source: Source, report: Report) -> SourceText | None:
        """The source file's text, read with the same checks and limits as `check`."""
        return read_source(source, self.config, report)


def _same_file(wanted: Path, path: Path) -> bool:
    try:
        return wanted.exists() and wanted.resolve() == path.resolve()
    except OSError:
        return False
