# dom0's physical drivers (dom0-tools/drivers/): paths relative to dom0-tools/.
set(DOM0_DRIVER_SOURCES drivers/blkdev.c drivers/drivers.c drivers/pci.c drivers/ramdisk.c
    drivers/virtio_blk.c drivers/virtio_pci.c drivers/blkdev_bench.c
    drivers/selftest_devices.c)
