/* The handout writer: a PDF 1.4 file whose pages hold pictures of the slides (the slide,
 * and its notes drawn by the same renderer), so every glyph is DejaVu as on screen and
 * no font needs embedding. Written by hand over zlib, like png.c: the format needs only
 * objects, a content stream per page and the byte offset of each object. */
#include "pdf.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_OBJ 4096

struct vz_pdf {
	FILE *f;
	double w, h;
	long off[MAX_OBJ]; /* byte offset of object n (1-based) */
	int n_obj;
	int pages[1024], n_pages;
	int page_content;   /* the open page's content object, or 0 */
	char content[8192]; /* drawing commands of the open page */
	size_t clen;
	int xobj[16], n_xobj; /* images of the open page */
	int err;
};

/* Objects 1 (catalog) and 2 (page tree) are written last; numbers start at 3. */
static int begin_obj(struct vz_pdf *p, int n)
{
	if (n >= MAX_OBJ)
		return p->err = -1;
	p->off[n] = ftell(p->f);
	fprintf(p->f, "%d 0 obj\n", n);
	return n;
}

static int new_obj(struct vz_pdf *p)
{
	return begin_obj(p, ++p->n_obj);
}

struct vz_pdf *vz_pdf_open(const char *path, double w_pt, double h_pt)
{
	struct vz_pdf *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->f = fopen(path, "wb");
	if (!p->f) {
		free(p);
		return NULL;
	}
	p->w = w_pt;
	p->h = h_pt;
	p->n_obj = 2;
	/* The binary comment line tells tools the file holds 8-bit data. */
	fprintf(p->f, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n");
	return p;
}

static void end_page(struct vz_pdf *p)
{
	if (!p->page_content)
		return;
	begin_obj(p, p->page_content);
	fprintf(p->f, "<< /Length %zu >>\nstream\n", p->clen);
	fwrite(p->content, 1, p->clen, p->f);
	fprintf(p->f, "\nendstream\nendobj\n");
	int page = new_obj(p);
	fprintf(p->f,
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
		"/Resources << /XObject <<",
		p->w, p->h, p->page_content);
	for (int i = 0; i < p->n_xobj; i++)
		fprintf(p->f, " /Im%d %d 0 R", i, p->xobj[i]);
	fprintf(p->f, " >> >> >>\nendobj\n");
	if (p->n_pages < (int)(sizeof p->pages / sizeof p->pages[0]))
		p->pages[p->n_pages++] = page;
	else
		p->err = -1;
	p->page_content = 0;
}

int vz_pdf_page(struct vz_pdf *p)
{
	end_page(p);
	p->page_content = ++p->n_obj; /* written when the page ends */
	p->clen = 0;
	p->n_xobj = 0;
	return p->err;
}

static unsigned char *rgb_rows(const uint32_t *px, int w, int h, int pitch, size_t *len)
{
	*len = (size_t)w * h * 3;
	unsigned char *raw = malloc(*len), *o = raw;
	for (int y = 0; raw && y < h; y++) {
		const uint32_t *row = (const uint32_t *)((const char *)px + (size_t)y * pitch);
		for (int x = 0; x < w; x++) {
			*o++ = row[x] >> 16;
			*o++ = row[x] >> 8;
			*o++ = row[x];
		}
	}
	return raw;
}

int vz_pdf_image(struct vz_pdf *p, const uint32_t *px, int pw, int ph, int pitch, double x,
		 double y, double w, double h)
{
	if (!p->page_content || p->n_xobj >= 16)
		return p->err = -1;
	size_t rawlen;
	unsigned char *raw = rgb_rows(px, pw, ph, pitch, &rawlen);
	uLongf zlen = compressBound(rawlen);
	unsigned char *z = malloc(zlen);
	if (!raw || !z || compress2(z, &zlen, raw, rawlen, 6) != Z_OK) {
		free(raw);
		free(z);
		return p->err = -1;
	}
	int n = new_obj(p);
	fprintf(p->f,
		"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
		"/DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %lu >>\nstream\n",
		pw, ph, (unsigned long)zlen);
	fwrite(z, 1, zlen, p->f);
	fprintf(p->f, "\nendstream\nendobj\n");
	free(raw);
	free(z);
	/* PDF's origin is the bottom left: flip y. */
	int k = snprintf(p->content + p->clen, sizeof p->content - p->clen,
			 "q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q\n", w, h, x, p->h - y - h,
			 p->n_xobj);
	if (k > 0 && (size_t)k < sizeof p->content - p->clen)
		p->clen += k;
	p->xobj[p->n_xobj++] = n;
	return p->err;
}

int vz_pdf_close(struct vz_pdf *p)
{
	end_page(p);
	begin_obj(p, 2);
	fprintf(p->f, "<< /Type /Pages /Count %d /Kids [", p->n_pages);
	for (int i = 0; i < p->n_pages; i++)
		fprintf(p->f, " %d 0 R", p->pages[i]);
	fprintf(p->f, " ] >>\nendobj\n");
	begin_obj(p, 1);
	fprintf(p->f, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	long xref = ftell(p->f);
	fprintf(p->f, "xref\n0 %d\n0000000000 65535 f \n", p->n_obj + 1);
	for (int i = 1; i <= p->n_obj; i++)
		fprintf(p->f, "%010ld 00000 n \n", p->off[i]);
	fprintf(p->f, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
		p->n_obj + 1, xref);
	int rc = p->err;
	if (ferror(p->f))
		rc = -1;
	if (fclose(p->f) != 0)
		rc = -1;
	free(p);
	return rc;
}
