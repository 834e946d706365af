"""Print a Lambda zip's compressed and unpacked sizes against Lambda's limits.

Lambda's hard limit is 250 MiB unzipped; the 50 MiB zipped limit applies only to a zip sent in the API call, and
Zappa uploads it through S3. We aim for <= 64 MiB zipped: the compiled bytecode that scripts/compile_package.py
adds (about 10 MiB) cuts the cold start's import time by more than half, which is worth more than the upload size."""

import sys
import zipfile
from pathlib import Path

LIMIT_UNZIPPED = 250 * 1024 * 1024  # MiB, as AWS counts
TARGET_ZIPPED = 64 * 1024 * 1024

path = Path(sys.argv[1])
zipped = path.stat().st_size
with zipfile.ZipFile(path) as archive:
    unzipped = sum(info.file_size for info in archive.infolist())
    files = len(archive.infolist())
print(f"{path}: {zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped, {files} files")
print(f"  target <= {TARGET_ZIPPED / 2**20:.0f} MiB zipped: {'OK' if zipped <= TARGET_ZIPPED else 'OVER'}")
print(f"  Lambda limit {LIMIT_UNZIPPED / 2**20:.0f} MiB unzipped: {'OK' if unzipped <= LIMIT_UNZIPPED else 'OVER'}")
sys.exit(0 if zipped <= TARGET_ZIPPED and unzipped <= LIMIT_UNZIPPED else 1)
