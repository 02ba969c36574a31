<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>CartLineRow</name>
        <message>
            <location filename="../screens/checkout.py" line="+74" />
            <source>Remove</source>
            <translation>删除</translation>
        </message>
    </context>
    <context>
        <name>CategoryScreen</name>
        <message>
            <location filename="../screens/browse.py" line="+217" />
            <source>Sort:</source>
            <translation>排序：</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Popular</source>
            <translation>最受欢迎</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Price: low to high</source>
            <translation>价格从低到高</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Price: high to low</source>
            <translation>价格从高到低</translation>
        </message>
    </context>
    <context>
        <name>CheckoutScreen</name>
        <message>
            <location filename="../screens/checkout.py" line="+33" />
            <source>Your cart</source>
            <translation>购物车</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The cart is empty.</source>
            <translation>购物车是空的。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>How will you pay?</source>
            <translation>怎么付款？</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Cash to the shop now</source>
            <translation>现在付现金给店里</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pay when you pick up</source>
            <translation>取货时再付款</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Keep shopping</source>
            <translation>继续选购</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Your name</source>
            <translation>您的姓名</translation>
        </message>
        <message>
            <location line="+3" />
            <source>e.g. 王秀英</source>
            <translation>例如：王秀英</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Mobile number</source>
            <translation>手机号码</translation>
        </message>
        <message>
            <location line="+4" />
            <source>11 digits</source>
            <translation>11位数字</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+83" />
            <location line="+7" />
            <source>Place order</source>
            <translation>确认下单</translation>
        </message>
        <message>
            <location line="-60" />
            <source>Total: %1</source>
            <translation>合计：%1</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Remove %1 from the cart?</source>
            <translation>把“%1”从购物车删除吗？</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Remove</source>
            <translation>删除</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep</source>
            <translation>保留</translation>
        </message>
        <message>
            <location line="+10" />
            <source>The cart is empty. Please choose a product first.</source>
            <translation>购物车是空的，请先选商品。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Please enter your name.</source>
            <translation>请填写您的姓名。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Please enter an 11-digit mobile number, for example 13812345678.</source>
            <translation>请输入11位手机号码，例如 13812345678。</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Saving your order…</source>
            <translation>正在保存订单…</translation>
        </message>
        <message>
            <location line="+19" />
            <source>The order was not placed. Please ask the shop owner. (%1)</source>
            <translation>订单没有下成功，请找店主帮忙。（%1）</translation>
        </message>
    </context>
    <context>
        <name>ConfirmationScreen</name>
        <message>
            <location filename="../screens/confirmation.py" line="+36" />
            <source>Your order is placed. It is saved in this shop.</source>
            <translation>下单成功！订单已保存在本店。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Your pickup code</source>
            <translation>您的取货码</translation>
        </message>
        <message>
            <location line="+26" />
            <source>Print pickup slip</source>
            <translation>打印取货单</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Paid in cash to the shop</source>
            <translation>已付现金给店里</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pay when you pick up</source>
            <translation>取货时再付款</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Order number %1</source>
            <translation>订单号 %1</translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>%n item(s) · total %1 · %2</source>
            <translation>
                <numerusform>共 %n 件 · 合计 %1 · %2</numerusform>
            </translation>
        </message>
        <message>
            <location line="+6" />
            <source>What happens next: the shop sends your order to the platform (even if the internet is down now, it is sent later). When your parcel arrives, the shop tells you. Bring this code to pick it up.</source>
            <translation>接下来：店里会把订单发给平台（现在没网也没关系，来网后自动发送）。货到店后店主会通知您，凭取货码来取货。</translation>
        </message>
        <message>
            <location line="+36" />
            <source>No printer is connected. Please write the code down.</source>
            <translation>没有连接打印机，请把取货码记下来。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The slip is printing.</source>
            <translation>取货单正在打印。</translation>
        </message>
    </context>
    <context>
        <name>DetailScreen</name>
        <message>
            <location filename="../screens/detail.py" line="+64" />
            <source>Usually arrives at this shop in 2–3 days</source>
            <translation>通常 2-3 天到店</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Quantity</source>
            <translation>数量</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Add to cart</source>
            <translation>加入购物车</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Order now</source>
            <translation>立即下单</translation>
        </message>
        <message>
            <location line="+47" />
            <source>This product is no longer sold.</source>
            <translation>这个商品已经不卖了。</translation>
        </message>
    </context>
    <context>
        <name>HomeScreen</name>
        <message>
            <location filename="../screens/home.py" line="+44" />
            <source>Search: type a name, pinyin or initials</source>
            <translation>搜索：输入商品名、拼音或首字母</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Popular in this shop</source>
            <translation>本店热门</translation>
        </message>
    </context>
    <context>
        <name>Keypad</name>
        <message>
            <location filename="../widgets.py" line="+193" />
            <source>Clear</source>
            <translation>清空</translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <location filename="../window.py" line="+90" />
            <source>Village Kiosk</source>
            <extracomment>Default idle timeout: back to home, cart and customer details cleared.</extracomment>
            <translation>村站</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Village service center</source>
            <translation>村级服务站</translation>
        </message>
    </context>
    <context>
        <name>MyOrdersScreen</name>
        <message>
            <location filename="../screens/myorders.py" line="+50" />
            <source>My orders</source>
            <translation>我的订单</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Mobile number</source>
            <translation>手机号码</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Pickup code</source>
            <translation>取货码</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Show my orders</source>
            <translation>查看我的订单</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Enter your mobile number and the pickup code of one of your orders.</source>
            <translation>请输入手机号码和任意一个订单的取货码。</translation>
        </message>
        <message>
            <location line="+33" />
            <source>Please enter an 11-digit mobile number.</source>
            <translation>请输入11位手机号码。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The pickup code has 6 digits.</source>
            <translation>取货码是6位数字。</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Too many tries. Please wait a minute.</source>
            <translation>试错次数太多，请等一分钟再试。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>No orders found for this number and code. Please check them.</source>
            <translation>没有找到这个号码和取货码的订单，请核对一下。</translation>
        </message>
        <message numerus="yes">
            <location line="+8" />
            <source>%n order(s) for %1</source>
            <translation>
                <numerusform>%1 的订单：%n 个</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PickupSlip</name>
        <message>
            <location filename="../slip.py" line="+43" />
            <source>Pickup slip</source>
            <extracomment>Receipt paper: 80 mm wide, about 72 mm printable; the length grows with the lines.</extracomment>
            <translation>取货单</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pickup code</source>
            <translation>取货码</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Order number</source>
            <translation>订单号</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Placed</source>
            <translation>下单时间</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Phone</source>
            <translation>手机</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Payment</source>
            <translation>付款方式</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bring this slip or the code when the shop tells you the parcel arrived.</source>
            <translation>货到店后，凭此单或取货码取货。</translation>
        </message>
    </context>
    <context>
        <name>SearchScreen</name>
        <message>
            <location filename="../screens/browse.py" line="-148" />
            <source>Search: type a name, pinyin or initials</source>
            <extracomment>Wait this long after the last keystroke before searching (a frame is 16 ms; typing is slower). A search is recorded for demand counts when typing has paused this long. Most results a search shows; the grid is virtualized so this is about relevance, not speed. Rows fetched per page on category pages.</extracomment>
            <translation>搜索：输入商品名、拼音或首字母</translation>
        </message>
        <message>
            <location line="+63" />
            <source>Type what you are looking for.</source>
            <translation>请输入想买的东西。</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>%n product(s) found</source>
            <translation>
                <numerusform>找到 %n 个商品</numerusform>
            </translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sorry, we could not find “%1”. Try a shorter word, or look in a category:</source>
            <translation>抱歉，没有找到“%1”。试试少打几个字，或者看看这些分类：</translation>
        </message>
    </context>
    <context>
        <name>Stock</name>
        <message>
            <location filename="../widgets.py" line="-148" />
            <source>Out of stock</source>
            <translation>暂时缺货</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Only a few left</source>
            <translation>库存不多</translation>
        </message>
        <message>
            <location line="+1" />
            <source>In stock</source>
            <translation>有货</translation>
        </message>
    </context>
    <context>
        <name>SyncIndicator</name>
        <message>
            <location filename="../bridge.py" line="+116" />
            <source>Not connected to the platform yet</source>
            <translation>还没有连接平台</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Internet is down</source>
            <translation>网络不通</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Online</source>
            <translation>网络正常</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>%n order(s) waiting to send</source>
            <translation>
                <numerusform>%n 个订单等待发送</numerusform>
            </translation>
        </message>
        <message>
            <location line="+2" />
            <source>All orders sent</source>
            <translation>订单都已发送</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>%n item(s) for the owner</source>
            <translation>
                <numerusform>%n 条需要店主处理</numerusform>
            </translation>
        </message>
        <message>
            <location line="+3" />
            <source>last synced %1</source>
            <translation>上次同步 %1</translation>
        </message>
    </context>
    <context>
        <name>TopBar</name>
        <message>
            <location filename="../widgets.py" line="+245" />
            <source>Home</source>
            <translation>首页</translation>
        </message>
        <message>
            <location line="+1" />
            <source>My orders</source>
            <translation>我的订单</translation>
        </message>
        <message numerus="yes">
            <location line="+27" />
            <source>Cart (%n)</source>
            <translation>
                <numerusform>购物车 (%n)</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>VillagerOrdersModel</name>
        <message>
            <location filename="../models.py" line="+240" />
            <source>Order %1 · %2 · %3</source>
            <extracomment>Picture size decoded for grid tiles.</extracomment>
            <translation>订单 %1 · %2 · %3</translation>
        </message>
    </context>
</TS>
