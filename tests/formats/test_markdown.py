"""Markdown inputs: the visible text, as the HTML reader gives it for the rendered page."""
from __future__ import annotations

from pipeline.formats.html import visible_text as html_visible_text
from pipeline.formats.markdown import visible_text

# Front matter, a heading, emphasis, a link, <br>, entities, a soft line break, a list with
# inline HTML and a nested list, a table (with an escaped pipe), a comment, a script, a
# quote with struck text, an image and an indented code block.
POLICY = """---
title: 隐私政策
updated: 2024-01-01
---
# 隐私  *政策*

我们会**收集**您的[手机号码](https://example.com "标题")<br>以及&nbsp;位置 &amp; `设备ID`
和 IP 地址

- 姓名
- 手机号<span style="color:red">（必填）</span>
  1. 子项

| 信息 | 用途 |
|------|------|
| 位置 | 导航 |
| *昵称* | 展示 \\| 分享 |

<!-- 注释 -->
<script>document.write("收集")</script>

> 引用 ~~删除~~

![图片](a.png)

    代码  块
"""
POLICY_TEXT = ("隐私 政策\n"
               "我们会收集您的手机号码\n"
               "以及\xa0位置 & 设备ID 和 IP 地址\n"
               "姓名\n"
               "手机号（必填）\n"
               "子项\n"
               "信息\t用途\n"
               "位置\t导航\n"
               "昵称\t展示 | 分享\n"
               "引用 删除\n"
               "代码  块")


def test_blocks_are_lines_and_markdown_syntax_is_left_out():
    assert visible_text(POLICY) == POLICY_TEXT


def test_front_matter_only_at_the_very_start():
    assert visible_text("---\ntitle: x\n---\n正文") == "正文"
    assert visible_text("---\r\ntitle: x\r\n---\r\n正文\r\n") == "正文"
    # Anywhere else --- is a rule or a heading underline, and what it marks is text.
    assert visible_text("正文\n\n---\na: b\n---\n尾") == "正文\na: b\n尾"
    # Never closed, it is no front matter: nothing of the policy may vanish.
    assert visible_text("---\ntitle: x\n\n正文") == "title: x\n正文"


def test_inline_html_is_read_as_in_a_page():
    page = '<p>第三方<b>SDK</b>会获取<br/>您的<span class="x">位置</span> &lt;信息&gt;</p>'
    markdown = '第三方<b>SDK</b>会获取<br/>您的<span class="x">位置</span> &lt;信息&gt;'
    assert visible_text(markdown) == html_visible_text(page) == "第三方SDK会获取\n您的位置 <信息>"
    assert visible_text("<div>\n\n**一**\n\n</div>\n<table><tr><td>甲</td><td>乙</td></tr></table>") \
        == "一\n甲\t乙"  # a table's cells parted by a tab


def test_chinese_text_and_literal_brackets_are_kept():
    text = ("本政策（以下简称“本政策”）适用于快手(以下简称\"我们\")。\u3000您可以[提供]"
            "您的<手机号码>和{位置}：见第1.2条")
    assert visible_text(text) == text
    assert visible_text("**收集**，*使用*；`共享`。") == "收集，使用；共享。"
