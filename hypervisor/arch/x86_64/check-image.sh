#!/bin/bash
# check-image.sh IMAGE - checks what the Multiboot "a.out kludge" load relies
# on: the PT_LOAD segments with file contents form one linear run in the file
# (file offset minus physical address is the same for all), and the first one
# (holding the Multiboot headers) starts in the first 8 KiB.
set -euo pipefail
img=$1
delta=""
first=""
while read -r type off va pa filesz rest; do
    [ "$type" = LOAD ] || continue
    (( filesz == 0 )) && continue
    d=$(( off - pa ))
    if [ -z "$delta" ]; then
        delta=$d
        first=$(( off ))
    elif (( d != delta )); then
        echo "check-image: $img: loadable segments are not linear in the file" >&2
        exit 1
    fi
done < <(readelf -lW "$img" | awk '$1 == "LOAD" { print $1, $2, $3, $4, $5 }')
if [ -z "$first" ]; then
    echo "check-image: $img: no loadable segments" >&2
    exit 1
fi
if (( first >= 8192 )); then
    echo "check-image: $img: Multiboot header not in the first 8 KiB" >&2
    exit 1
fi
