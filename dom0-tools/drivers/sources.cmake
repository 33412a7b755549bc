# dom0's physical drivers (dom0-tools/drivers/): paths relative to dom0-tools/.
set(DOM0_DRIVER_SOURCES drivers/blkdev.c drivers/selftest_devices.c)
