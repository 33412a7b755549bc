# qemu.sh - how Skiff is booted in QEMU, shared by ./skiff and the test
# runners (sourced, not run).
#
# TCG only: nested KVM on the machines this is developed on cannot run a
# ring-3 guest (DESIGN.md section 6). qboot is the firmware: it boots a
# Multiboot kernel in a few hundredths of a second.

QEMU=${QEMU:-qemu-system-x86_64}
QEMU_FIRMWARE=/usr/share/qemu/qboot.rom

# qemu_args HV_ELF MEM HV_CMDLINE DOM0_ELF DOM0_CMDLINE [MODULE CMDLINE]...
# Prints (one per line) the QEMU arguments that boot HV_ELF with dom0 and
# further Multiboot modules, each named by its command line (the boot store
# is "BUILD/store.tar store"). Paths must not contain commas (QEMU's -initrd
# separator).
qemu_args() {
    local hv=$1 mem=$2 hv_cmdline=$3 dom0=$4 dom0_cmdline=$5
    shift 5
    local modules="$dom0${dom0_cmdline:+ $dom0_cmdline}"
    while [ $# -ge 2 ]; do
        modules="$modules,$1${2:+ $2}"
        shift 2
    done
    printf '%s\n' -machine pc -accel tcg -cpu max -m "$mem" -smp 1 -nodefaults \
        -display none -no-reboot -bios "$QEMU_FIRMWARE" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$hv" -append "$hv_cmdline" -initrd "$modules"
}

# qemu_boot_interactive HV MEM HV_CMDLINE DOM0 DOM0_CMDLINE [MODULE CMDLINE]...:
# serial on this terminal.
# QEMU_EXTRA (an array, may be unset) is appended: devices such as a disk.
qemu_boot_interactive() {
    local args
    mapfile -t args < <(qemu_args "$@")
    "$QEMU" "${args[@]}" "${QEMU_EXTRA[@]}" -serial mon:stdio
}

# qemu_disk_args IMAGE: a virtio-blk disk on a raw image file, with a
# volatile write cache (so only a guest's flush makes writes durable).
qemu_disk_args() {
    printf '%s\n' -drive "if=none,id=disk0,format=raw,cache=writeback,file=$1" \
        -device virtio-blk-pci,drive=disk0
}

# describe_exit STATUS: what a QEMU exit status means for Skiff (see
# hypervisor/include/skiff/exit.h: QEMU exits with value << 1 | 1).
describe_exit() {
    case $1 in
    0) echo "machine reset (a triple fault, or QEMU was quit)" ;;
    33) echo "dom0 powered off" ;;
    35) echo "dom0 asked for a reboot" ;;
    37) echo "dom0 crashed or was killed" ;;
    39) echo "hypervisor panic" ;;
    41) echo "dom0 watchdog" ;;
    43) echo "dom0 exited but frames leaked" ;;
    45) echo "dom0 could not be built" ;;
    124) echo "timed out" ;;
    137) echo "killed by the runner (SIGKILL)" ;;
    *) echo "QEMU failed (status $1)" ;;
    esac
}
