/* The report benchmark's baseline: the same evidence rows as main.swift, written from C
 * straight against libxlsxwriter in constant-memory mode.
 * usage: baseline OUT.xlsx ROWS
 * Built at bench time: cc -O2 baseline.c $(pkg-config --cflags --libs xlsxwriter) */
#include <stdio.h>
#include <stdlib.h>
#include "xlsxwriter.h"

static const char *towns[] = {"坪石镇", "北乡镇", "九峰镇", "长来镇", "乐城街道"};
static const char *headers[] = {"序号", "姓名", "身份证号", "联系电话", "镇", "村", "参训场次",
                                "签到记录数", "建档立卡贫困人口", "匹配方式", "首次签到来源"};

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: baseline OUT.xlsx ROWS\n"); return 2; }
    long rows = atol(argv[2]);
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[1], &options);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "学员名单");
    lxw_format *header = workbook_add_format(wb);
    format_set_bold(header);
    format_set_border(header, LXW_BORDER_THIN);
    format_set_bg_color(header, 0xD9E1F2);
    format_set_pattern(header, LXW_PATTERN_SOLID);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@");
    worksheet_freeze_panes(ws, 1, 0);
    if (worksheet_autofilter(ws, 0, 0, rows, 10) != LXW_NO_ERROR) return 1;
    for (int c = 0; c < 11; c++) worksheet_write_string(ws, 0, c, headers[c], header);
    char name[64], id[32], phone[32], village[64], source[128];
    for (long i = 0; i < rows; i++) {
        lxw_row_t r = (lxw_row_t)(i + 1);
        snprintf(name, sizeof name, "学员%ld", i % 9973);
        snprintf(id, sizeof id, "440281%012ld", i);
        snprintf(phone, sizeof phone, "138%08ld", i);
        snprintf(village, sizeof village, "第%ld村", i % 200);
        snprintf(source, sizeof source, "signins/第%ld期.xlsx「签到」第 %ld 行", i / 500, i % 500 + 4);
        if (worksheet_write_number(ws, r, 0, (double)(i + 1), NULL)
            || worksheet_write_string(ws, r, 1, name, NULL)
            || worksheet_write_string(ws, r, 2, id, text)
            || worksheet_write_string(ws, r, 3, phone, text)
            || worksheet_write_string(ws, r, 4, towns[i % 5], NULL)
            || worksheet_write_string(ws, r, 5, village, NULL)
            || worksheet_write_number(ws, r, 6, (double)(i % 5 + 1), NULL)
            || worksheet_write_number(ws, r, 7, (double)(i % 7 + 1), NULL)
            || worksheet_write_string(ws, r, 8, i % 10 == 0 ? "是" : "否", NULL)
            || (i % 10 == 0 && worksheet_write_string(ws, r, 9, "身份证号确认", NULL))
            || worksheet_write_string(ws, r, 10, source, NULL)) {
            fprintf(stderr, "write failed at row %ld\n", i);
            return 1;
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
