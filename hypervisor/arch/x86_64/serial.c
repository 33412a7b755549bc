/*
 * serial.c - the COM1 UART (16550 at I/O port 0x3f8): 115200 8N1, polled
 * output, polled input. The hypervisor console's arch backend.
 */
#include <asm/x86.h>
#include <skiff/arch.h>

#include "x86.h"

#define COM1      0x3f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DR    0x01 /* data ready */
#define LSR_THRE  0x20 /* transmit holding register empty */

static bool serial_present;

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);  /* no UART interrupts */
    outb(COM1 + UART_LCR, 0x80);  /* DLAB on */
    outb(COM1 + UART_DATA, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
    serial_present = inb(COM1 + UART_LSR) != 0xff;
}

void arch_console_putc(char c)
{
    if (!serial_present)
        return;
    for (int spins = 0; spins < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); spins++)
        cpu_relax();
    outb(COM1 + UART_DATA, (uint8_t)c);
}

int arch_console_getc(void)
{
    if (!serial_present || !(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_DATA);
}
