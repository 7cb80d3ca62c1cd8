"""``--screenshot PNG --size WxH --scale F`` (issue 15): the picture of a window on a screen
of that size and scale, W*F x H*F pixels; bad values said plainly."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY

from tracker import cli
from tracker.demo import write_demo


def _run(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The console entry point in a fresh process (the scale must be set before Qt starts)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    env.pop("QT_SCALE_FACTOR", None)
    code = "import sys; from ui.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, timeout=180
    )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    write_demo(path, TODAY)
    return path


@pytest.mark.parametrize(
    ("size", "scale", "pixels"),
    [
        ("960x540", "2", (1920, 1080)),  # 1920x1080 at 200 %
        ("1024x600", None, (1024, 600)),
        ("1280x800", "1.5", (1920, 1200)),
    ],
)
def test_the_picture_is_the_size_times_the_scale(
    demo: Path, tmp_path: Path, size: str, scale: str | None, pixels: tuple[int, int]
) -> None:
    png = tmp_path / "shot.png"
    argv = ["--db", str(demo), "--screenshot", str(png), "--size", size, "--view", "counts"]
    if scale is not None:
        argv += ["--scale", scale]
    done = _run(tmp_path, *argv)
    assert done.returncode == 0, done.stderr
    assert png_size(png) == pixels


def test_without_size_the_main_window_is_1280_by_820(demo: Path, tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    done = _run(tmp_path, "--db", str(demo), "--screenshot", str(png))
    assert done.returncode == 0, done.stderr
    assert png_size(png) == (1280, 820)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["--size", "100x5"],
            "--size must look like 1024x600, two whole numbers of at least 320 and at most "
            "7680 (not “100x5”)",
        ),
        (["--size", "wide"], "--size must look like 1024x600"),
        (["--size", "1024x600x2"], "--size must look like 1024x600"),
        (["--size", "1024.5x600"], "--size must look like 1024x600"),
        (["--scale", "9"], "--scale must be a number from 1 to 4, e.g. 2 for 200 % (not “9”)"),
        (["--scale", "two"], "--scale must be a number from 1 to 4"),
        (["--scale", "0"], "--scale must be a number from 1 to 4"),
    ],
)
def test_a_bad_size_or_scale_is_refused_plainly(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["--screenshot", "x.png", *argv])
    assert caught.value.code == cli.EXIT_USAGE
    assert f"error: {says}" in capsys.readouterr().err


def test_sizes_and_scales_as_typed() -> None:
    assert cli.screen_size("1024x600") == (1024, 600)
    assert cli.screen_size(" 1920×1080 ") == (1920, 1080)
    assert cli.screen_size("7680x4320") == (7680, 4320)
    assert cli.screen_size("319x600") is None
    assert cli.scale_factor("2") == 2.0
    assert cli.scale_factor("1.25") == 1.25
    assert cli.scale_factor("200%") == 2.0
    assert cli.scale_factor("nan") is None


def test_size_without_a_screenshot_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.app import main

    with pytest.raises(SystemExit) as caught:
        main(["--demo", "--size", "1024x600"])
    assert caught.value.code == cli.EXIT_USAGE
    assert "--size and --scale go with --screenshot PNG" in capsys.readouterr().err


def test_the_welcome_at_200_percent_is_its_own_size_doubled(tmp_path: Path) -> None:
    """A new record's picture is the welcome; at --scale 2 on a screen of the default size
    it keeps its width (at least 520 logical pixels) in twice the pixels."""
    png = tmp_path / "welcome.png"
    done = _run(tmp_path, "--db", str(tmp_path / "new.sqlite"), "--screenshot", str(png))
    assert done.returncode == 0, done.stderr
    plain = png_size(png)
    done = _run(
        tmp_path, "--db", str(tmp_path / "new.sqlite"), "--screenshot", str(png), "--scale", "2"
    )
    assert done.returncode == 0, done.stderr
    assert png_size(png) == (plain[0] * 2, plain[1] * 2)
    assert plain[0] >= 520
