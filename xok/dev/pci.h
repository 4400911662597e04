/*
 * pci.h: PCI configuration space through configuration mechanism #1
 * (ports 0xcf8/0xcfc).  Enough to find a device, read its BARs and
 * interrupt line, and turn on I/O decoding and bus mastering.  The
 * firmware (SeaBIOS under QEMU) has already assigned BARs and lines.
 */
#ifndef XOK_DEV_PCI_H
#define XOK_DEV_PCI_H

#include <stdint.h>

#define PCI_VENDOR      0x00    /* 16 bits */
#define PCI_DEVICE      0x02    /* 16 bits */
#define PCI_COMMAND     0x04    /* 16 bits */
#define PCI_HEADER_TYPE 0x0e    /* 8 bits; bit 7: multi-function */
#define PCI_BAR0        0x10    /* 32 bits each, 6 of them */
#define PCI_SUBSYS_ID   0x2e    /* 16 bits */
#define PCI_INTR_LINE   0x3c    /* 8 bits */

#define PCI_CMD_IO      0x0001  /* decode I/O space */
#define PCI_CMD_MEM     0x0002  /* decode memory space */
#define PCI_CMD_MASTER  0x0004  /* may do DMA */
#define PCI_CMD_INTX_OFF 0x0400 /* INTx disabled */

#define PCI_BAR_IO      0x1     /* BAR bit 0: I/O space */

struct pci_dev {
	uint8_t bus, slot, func;
	uint16_t vendor, device;
	uint8_t irq;            /* interrupt line; 0xff or > 15: none */
};

uint32_t pci_read32(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint8_t pci_read8(const struct pci_dev *d, unsigned off);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);
/* The index'th device (0, 1, ...) with this vendor and device id. */
int pci_find(uint16_t vendor, uint16_t device, int index, struct pci_dev *out);
/* Set bits in the command register. */
void pci_enable(const struct pci_dev *d, uint16_t bits);

#endif
