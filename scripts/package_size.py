"""Print a Lambda zip's compressed and unpacked sizes against Lambda's limits (50 MiB zipped upload via S3 is
fine up to 250 MiB unzipped; we aim for <= 40 MiB zipped)."""

import sys
import zipfile
from pathlib import Path

LIMIT_UNZIPPED = 250 * 1024 * 1024  # MiB, as AWS counts
TARGET_ZIPPED = 40 * 1024 * 1024

path = Path(sys.argv[1])
zipped = path.stat().st_size
with zipfile.ZipFile(path) as archive:
    unzipped = sum(info.file_size for info in archive.infolist())
    files = len(archive.infolist())
print(f"{path}: {zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped, {files} files")
print(f"  target <= {TARGET_ZIPPED / 2**20:.0f} MiB zipped: {'OK' if zipped <= TARGET_ZIPPED else 'OVER'}")
print(f"  Lambda limit {LIMIT_UNZIPPED / 2**20:.0f} MiB unzipped: {'OK' if unzipped <= LIMIT_UNZIPPED else 'OVER'}")
sys.exit(0 if zipped <= TARGET_ZIPPED and unzipped <= LIMIT_UNZIPPED else 1)
