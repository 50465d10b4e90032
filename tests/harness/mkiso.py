#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write a minimal ISO 9660 image: files in the root directory only.

usage: mkiso.py OUT.iso VOLUME_ID NAME=CONTENT_FILE...

For the vcdrom tests: the distribution ships no ISO maker in the packages
the project installs, and an image of a few files needs little of the
standard (ECMA-119): the system area (16 empty sectors), a primary
volume descriptor, a terminator, the two path tables (one entry: the
root), the root directory and the files, 2048-byte sectors. Names are
ISO level 1 ("NAME.EXT", upper case); ";1" is appended.
"""
import struct
import sys
import time

SECTOR = 2048


def both16(v):
    return struct.pack('<H', v) + struct.pack('>H', v)


def both32(v):
    return struct.pack('<I', v) + struct.pack('>I', v)


def dir_record(ident, lba, size, is_dir, when):
    rec = struct.pack('<BB', 0, 0) + both32(lba) + both32(size) + when
    rec += struct.pack('<BBB', 2 if is_dir else 0, 0, 0) + both16(1)
    rec += struct.pack('<B', len(ident)) + ident
    if len(rec) % 2:
        rec += b'\0'
    return bytes([len(rec)]) + rec[1:]


def pad(data):
    return data + b'\0' * (-len(data) % SECTOR)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out, volid = argv[1], argv[2].upper().encode()
    files = []
    for spec in argv[3:]:
        name, path = spec.split('=', 1)
        with open(path, 'rb') as f:
            files.append((name.upper().encode() + b';1', f.read()))
    files.sort()
    t = time.gmtime()
    rec_date = struct.pack('<7B', t.tm_year - 1900, t.tm_mon, t.tm_mday,
                           t.tm_hour, t.tm_min, t.tm_sec, 0)
    vol_date = time.strftime('%Y%m%d%H%M%S00', t).encode() + b'\0'

    root_lba, first_file = 20, 21
    lba = first_file
    placed = []
    for name, data in files:
        placed.append((name, data, lba))
        lba += max(1, -(-len(data) // SECTOR))
    total = lba
    root = b''
    for ident, is_dir, where, size in [(b'\0', True, root_lba, SECTOR),
                                       (b'\1', True, root_lba, SECTOR)] + \
            [(n, False, l, len(d)) for n, d, l in placed]:
        root += dir_record(ident, where, size, is_dir, rec_date)
    if len(root) > SECTOR:
        sys.exit('mkiso: too many files for one directory sector')

    pvd = bytearray(SECTOR)
    pvd[0:7] = b'\1CD001\1'
    pvd[8:40] = b' ' * 32
    pvd[40:72] = volid[:32].ljust(32)
    pvd[80:88] = both32(total)
    pvd[120:124] = both16(1)
    pvd[124:128] = both16(1)
    pvd[128:132] = both16(SECTOR)
    pvd[132:140] = both32(10)
    pvd[140:144] = struct.pack('<I', 18)
    pvd[148:152] = struct.pack('>I', 19)
    pvd[156:190] = dir_record(b'\0', root_lba, SECTOR, True, rec_date)
    pvd[190:702] = b' ' * 512
    pvd[702:813] = b' ' * 111
    pvd[813:830] = vol_date
    pvd[830:847] = vol_date
    pvd[847:864] = b'0' * 16 + b'\0'
    pvd[864:881] = b'0' * 16 + b'\0'
    pvd[881] = 1
    term = bytearray(SECTOR)
    term[0:7] = b'\xffCD001\1'
    lpath = struct.pack('<BBIH', 1, 0, root_lba, 1) + b'\0\0'
    mpath = struct.pack('>BBIH', 1, 0, root_lba, 1) + b'\0\0'

    with open(out, 'wb') as f:
        f.write(b'\0' * 16 * SECTOR)
        f.write(pvd)
        f.write(term)
        f.write(pad(lpath))
        f.write(pad(mpath))
        f.write(pad(root))
        for _, data, _ in placed:
            f.write(pad(data) if data else b'\0' * SECTOR)


if __name__ == '__main__':
    main(sys.argv)
