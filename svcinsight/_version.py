"""The package version, and the software versions a report states it was made with."""
import contextlib

__version__ = "0.1.0"


def software_versions(packages: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(name, version)`` rows: svcinsight, Python, then each installed package of ``packages``.

    >>> rows = software_versions(("pandas", "no-such-package"))
    >>> [name for name, _ in rows]
    ['svcinsight', 'python', 'pandas']
    """
    import platform
    from importlib import metadata

    rows = [("svcinsight", __version__), ("python", platform.python_version())]
    for package in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            rows.append((package, metadata.version(package)))
    return rows
