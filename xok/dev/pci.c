/*
 * pci.c: PCI configuration space by mechanism #1.  The address port
 * takes enable | bus | slot | function | register (dword aligned); the
 * data port then reads or writes that dword, or part of it at
 * 0xcfc + (register & 3).  Scanning probes function 0 of every slot on
 * every bus, and the other functions of multi-function devices: a slot
 * that is empty answers vendor 0xffff.
 */
#include "../kern.h"
#include "pci.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

static void
pci_select(const struct pci_dev *d, unsigned off)
{
	outl(PCI_ADDR, 0x80000000U | (uint32_t)d->bus << 16 |
	    (uint32_t)(d->slot & 31) << 11 | (uint32_t)(d->func & 7) << 8 |
	    (off & 0xfc));
}

uint32_t
pci_read32(const struct pci_dev *d, unsigned off)
{
	pci_select(d, off);
	return inl(PCI_DATA);
}

uint16_t
pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off) >> (8 * (off & 2)));
}

uint8_t
pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off) >> (8 * (off & 3)));
}

void
pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	pci_select(d, off);
	outw(PCI_DATA + (off & 2), v);
}

void
pci_enable(const struct pci_dev *d, uint16_t bits)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | bits);
}

int
pci_find(uint16_t vendor, uint16_t device, int index, struct pci_dev *out)
{
	struct pci_dev d = { 0 };
	unsigned bus, slot, func, nfunc;

	for (bus = 0; bus < 256; bus++) {
		for (slot = 0; slot < 32; slot++) {
			d.bus = (uint8_t)bus;
			d.slot = (uint8_t)slot;
			d.func = 0;
			if (pci_read16(&d, PCI_VENDOR) == 0xffff)
				continue;
			nfunc = pci_read8(&d, PCI_HEADER_TYPE) & 0x80 ? 8 : 1;
			for (func = 0; func < nfunc; func++) {
				d.func = (uint8_t)func;
				d.vendor = pci_read16(&d, PCI_VENDOR);
				d.device = pci_read16(&d, PCI_DEVICE);
				if (d.vendor != vendor || d.device != device)
					continue;
				if (index-- > 0)
					continue;
				d.irq = pci_read8(&d, PCI_INTR_LINE);
				*out = d;
				return 0;
			}
		}
	}
	return -XE_NOENT;
}
