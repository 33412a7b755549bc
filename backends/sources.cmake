# Backend drivers linked into dom0.elf (absolute paths).
set(DOM0_BACKEND_SOURCES)
